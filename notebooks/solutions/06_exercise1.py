# Exercise 1: lock yourself out, then get back in with a recovery code.
# ruff: noqa: F821  (bob_app, bob_auth, bob_clock, bob_codes, BOB_PASSWORD are the notebook's)
# It works whatever you tried before: it crosses off a code you have not used (pop), and
# waits out whatever lock is on.
bob_app.username.value = "bob"
bob_app.password.value = BOB_PASSWORD
bob_app.login_button.click()
for guess in ["000000", "111111", "222222", "333333", "444444"]:  # five made-up codes
    bob_app.code.value = guess
    bob_app.verify_button.click()
print(bob_app.status_text)  # ... locked: try again in 30 s (or longer, after earlier tries)

# A recovery code during a throttle lock is refused too (and not counted):
code = bob_codes.pop()  # cross it off the sheet
bob_app.code.value = code
bob_app.recovery_button.click()
print(bob_app.message_text)  # Access denied: Too many failed attempts: wait ...

# Wait it out: on a frozen clock, waiting is advancing the clock.
bob_clock.advance(bob_auth.status("bob").retry_after)
bob_app.refresh_button.click()
print(bob_app.message_text)  # The lock is over: you may try again.

# Log in again (a long lock may outlast the challenge's 5 minutes), then the same code, once.
bob_app.password.value = BOB_PASSWORD
bob_app.login_button.click()
bob_app.code.value = code
bob_app.recovery_button.click()
print(bob_app.message_text)  # Access granted: welcome, bob (signed in with a recovery code) ...
answer_1 = bob_app.session
