"""The four services; each owns one part of the domain and never imports another."""
