# Exercise 1: the app's code (b), a printed recovery code (c) and a security key (f)
# are things you have; a password (a) and a pet's name (e) are things you know;
# a fingerprint (d) is something you are.
answer_1 = {"b", "c", "f"}
