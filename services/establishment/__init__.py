"""The establishment service: posts, org units, reporting lines and funding links."""
