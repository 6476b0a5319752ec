"""Loading a content folder, phase by phase; :mod:`pakketbuild.loader` conducts them."""
