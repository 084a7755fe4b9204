"""Real-browser end-to-end tests: the lessons in JupyterLab and the app in Voilà (Chromium)."""
