"""The console: server-rendered pages for agents and officers (templates/, static/, locales/)."""
