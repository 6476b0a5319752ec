"""``pakketbuild cms``: a browser editor (Decap CMS) for the content, configured from the models.

What this package makes
    :func:`.admin.admin_files` returns the files of an ``admin/`` folder: ``index.html``
    (loads the editor), ``config.yml`` (generated from :mod:`pakketbuild.model` by
    :func:`.config.cms_config`),
    ``pakketbuild.js`` (drops fields left empty before saving; preview templates),
    ``decap-cms.js`` (the editor, vendored from npm ``decap-cms`` as
    ``assets/cms/decap-cms.js.gz``, so nothing comes from a CDN), its licence notices, and
    ``preview/`` with the site's own CSS (``site.css`` + the edition's ``theme.css`` and
    font files), registered with ``CMS.registerPreviewStyle`` so the preview pane looks
    like the published page.

Why Decap and not Sveltia
    Both read the same configuration. Decap's local mode is a small HTTP protocol (the
    ``decap-server`` proxy API) that :class:`.backend.LocalBackend` implements in Python, so
    ``pakketbuild serve`` offers the editor without Node and a headless browser can drive it
    end to end. Sveltia's local mode needs the browser's File System Access API (a native
    folder picker), which cannot be driven in a headless test.

Two backends, one configuration
    * Production (``pakketbuild cms``): ``backend`` comes from ``site.yaml`` → ``cms``
      (GitHub or GitLab, repository, branch). Every save is a commit there, and CI builds.
      Without that setting, ``index.html`` says so in Dutch and does not start the editor.
    * Local (``pakketbuild serve`` → ``/admin/<secret>/``): the same collections with the
      ``proxy`` backend pointed at :data:`API_PATH` plus the run's secret on the preview
      server. :class:`.backend.LocalBackend` reads and writes only the content model's own
      files (items, pakketten, the settings files, uploaded documents), as regular files
      reached without any link; the preview rebuilds on save because ``serve`` watches
      the content folder.

Paths in the configuration are repository paths (``content/items``); ``cms.content_folder``
in ``site.yaml`` says where the content folder is in the repository (default ``content``).
:class:`.backend.LocalBackend` maps that prefix onto the real content folder.

The package
    :mod:`~pakketbuild.cms.config` generates ``config.yml`` from the models,
    :mod:`~pakketbuild.cms.admin` assembles and writes the ``admin/`` folder (the
    ``pakketbuild cms`` command), :mod:`~pakketbuild.cms.backend` is the local backend that
    ``pakketbuild serve`` answers the editor with. This module holds only the paths and
    limits they share; it imports none of them.
"""

from __future__ import annotations

DECAP_VERSION = "3.16.3"
"""Version of npm ``decap-cms`` whose ``dist/decap-cms.js`` is vendored (tools/cms/)."""
BUNDLE = "decap-cms.js"
API_PATH = "/__pakketbuild/cms/api/v1"
"""Where ``pakketbuild serve`` answers the Decap proxy protocol: at ``API_PATH/<secret>``,
the run's secret (see :mod:`pakketbuild.serve_http`)."""
ADMIN_PATH = "/admin/"
"""Where ``pakketbuild serve`` offers the editor: at ``ADMIN_PATH<secret>/``; this path
itself only says where to find it."""
LOCAL_PREFIX = "content"
"""The repository path of the content folder in the local editor's configuration."""
MEDIA_DIR = "documenten"
"""Folder inside content/ for files uploaded through the editor (documents)."""
MEDIA_SUFFIXES = (".pdf", ".docx", ".odt", ".xlsx", ".ods", ".pptx", ".odp", ".csv", ".txt")
"""File types the local editor may upload into :data:`MEDIA_DIR` (documents an item links
to); anything else is refused."""
MAX_UPLOAD = 50 * 1024 * 1024
"""Largest file the local backend writes (the loader's limit for documents)."""
MAX_BODY = (MAX_UPLOAD + 2) // 3 * 4 + 1024 * 1024
"""Largest request body the local API reads: one upload in base64 and room for the rest."""
MAX_JSON_DEPTH = 16
"""Deepest nesting of arrays and objects the local API accepts (Decap sends 5 levels)."""
