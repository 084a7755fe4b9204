# Exercise 1: a new password signs Carol out everywhere else.
# ruff: noqa: F821  (carol_laptop, carol_phone, CAROL_PASSWORD are the notebook's names)
carol_laptop.get("/account")  # the page with the password form (and its CSRF token)
page = carol_laptop.post("/account/password", {"password": CAROL_PASSWORD,
                                               "new_password": "saffron glacier otter 44"})
print(page.message)  # Password changed. Every other session of this account was signed out.

answer_1 = carol_phone.get("/account")
print(answer_1.status, answer_1.error)  # 401 This session has ended (signed out): log in again.
print(carol_laptop.get("/account").text("who"))  # carol: the laptop has a new session
