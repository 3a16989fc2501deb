"""The results letter as a document: its Indonesian wording and its PDF."""
