# Exercise 2: with window=2 the server accepts 2 * 2 + 1 = 5 codes at any moment, so one
# random guess wins with odds 5 / 10**6. The throttle allows the same number of guesses a
# night as before (the window does not change the schedule), and Alice's morning login
# resets the count, so the cap of 100 never fires: 365 nights of guesses.
from mfalab import throttle


def guesses_per_night(hours=8):
    # As many guesses as the throttle allows in `hours`, starting from no failures.
    failures, made, now, locked_until = 0, 0, 0.0, 0.0
    while True:
        now = max(now, locked_until)
        if now >= hours * 3600:
            return made
        failures += 1
        made += 1
        lock = throttle.lock_seconds(failures)
        if lock:
            locked_until = now + lock
        now += 1


odds = 5 / 10**6  # per guess, with window=2
guesses_a_year = guesses_per_night(8) * 365
answer_2 = 1 - (1 - odds) ** guesses_a_year  # about 3 %: a probability, not a percent
print(f"{guesses_a_year:,} guesses in a year: {answer_2:.4f}")
