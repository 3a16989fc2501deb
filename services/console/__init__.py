"""The admin console: plain ES modules, HTML and CSS, with no build step, served by the
gateway at /console/. Biome lints and formats it (`biome.json`); `tests/console` runs it in
Chromium against a running suite."""
