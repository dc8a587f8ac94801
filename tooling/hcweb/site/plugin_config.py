"""The settings of hcweb's MkDocs plugin (plugin.py), as site.build.stage writes them into each site's mkdocs.yml:

plugins:
  - search
  - hcweb:
      name: beta-hf                      # the site, in progress reports
      meta: .../hcweb-meta.json          # each page's hcweb metadata (site.build.write_docs)
      frame_hosts: [www.youtube-nocookie.com]
      cache: OUT/.hcweb-cache            # the render cache; without it every page is rendered afresh
      site_digest: 3f2a...               # what every page of the site shares, for the page cache
      parts: true                        # render pages in parts the other sites of the build can share
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class HcwebPluginConfig(base.Config):
    name = c.Type(str, default="")
    meta = c.Optional(c.Type(str))
    frame_hosts = c.ListOfItems(c.Type(str), default=[])
    cache = c.Optional(c.Type(str))
    site_digest = c.Type(str, default="")
    parts = c.Type(bool, default=False)
