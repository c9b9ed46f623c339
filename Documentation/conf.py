# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for the vmlab documentation.
#
#   make -C Documentation htmldocs    HTML in ../.build/docs/html
#   make -C Documentation check       sphinx-build -W, rst2man, kernel-doc -none
#
# Written for Debian bookworm's python3-sphinx (5.3) and kept free of
# extensions, so that nothing beyond that package is needed.

import os

project = 'vmlab'
copyright = 'The vmlab authors'
author = 'The vmlab authors'

_version_file = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             os.pardir, 'VERSION')
try:
    with open(_version_file, encoding='utf-8') as f:
        release = f.read().strip()
except OSError:
    release = ''
version = release

root_doc = 'index'
source_suffix = '.rst'
language = 'en'

# man/*.rst are rst2man sources (make -C Documentation man), not pages of
# this book: their docinfo fields and NAME/SYNOPSIS layout are for roff.
exclude_patterns = ['man']

highlight_language = 'none'
smartquotes = False

html_theme = 'alabaster'
html_title = 'vmlab documentation'
html_show_sourcelink = False
html_static_path = []
