"""pakketbuild: one source for the Veiligheidspakket, compiled to HTML, PDF, DOCX and JSON."""

__version__ = "0.1.0"
