"""What the catalog ships with: the demo regions."""
