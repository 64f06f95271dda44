"""The seed documents' changes as loadable data (YAML), and the loader that validates them."""
