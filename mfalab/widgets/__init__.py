"""ipywidgets front ends for the lessons: one module per widget; no security decisions here.

Each widget calls the package (`AuthService`, `otp`, `passwords`, `qr`) and the lesson
helpers of `mfalab.lab` (simulations, parsers, examples), and shows their answers. Every
widget is a `_common.LabWidget`; a refusal of the package (`errors.AuthError`) becomes
its own sentence in the widget, anything else is a bug and is not hidden. No widget
reaches the store except through the service or `mfalab.lab`.

Modules: `login_demo` (lesson 00), `hashing` and `password_checker` (01), `enrollment`
(02), `truncation` (03), `time_window` (04), `attacks` and `brute_force` (05),
`login_app` with `login_actions`, `login_panel` and `audit` (06); `parts` holds the QR
code, phone screen and recovery-code pieces several of them show.
"""
