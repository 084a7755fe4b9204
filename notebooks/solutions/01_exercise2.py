# Exercise 2: with a different salt per account, every guess is hashed once per account.
guesses_per_account = 30_000  # the whole blocklist
accounts = 8
answer_2 = guesses_per_account * accounts  # 240,000 SHA-256 computations
