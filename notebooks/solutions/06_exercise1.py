# Exercise 1: lock yourself out, then get back in with a recovery code.
# ruff: noqa: F821  (bob_app, events, … are the notebook's names)
bob_app.username.value = "bob"
bob_app.password.value = BOB_PASSWORD
bob_app.login_button.click()
for guess in ["000000", "111111", "222222", "333333", "444444"]:  # five made-up codes
    bob_app.code.value = guess
    bob_app.verify_button.click()
print(bob_app.status_text)  # ... locked: try again in 30 s

# A recovery code during a throttle lock is refused too (and not counted):
bob_app.code.value = bob_codes[0]
bob_app.recovery_button.click()
print(bob_app.message_text)  # Access denied: Too many failed attempts: wait 30 s ...

# Wait it out: on a frozen clock, waiting is advancing the clock.
bob_clock.advance(bob_auth.status("bob").retry_after)
bob_app.refresh_button.click()
print(bob_app.message_text)  # The lock is over: you may try again.

# The same challenge (it lives 5 minutes) now takes the recovery code, once.
bob_app.code.value = bob_codes[0]
bob_app.recovery_button.click()
print(bob_app.message_text)  # Access granted: welcome, bob (signed in with a recovery code) ...
answer = bob_app.session
