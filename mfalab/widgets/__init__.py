"""ipywidgets front ends for the lessons: one module per widget; no security decisions here.

Each widget calls the package (`AuthService`, `otp`, `passwords`, `qr`) and shows its
answers; bad input becomes a friendly message in the widget, never a traceback.
"""
