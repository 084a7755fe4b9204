# Exercise 2: with window=2 the server accepts 2*2 + 1 = 5 codes at any moment, so one random
# guess wins with odds 5 / 10**6. The cap switches the factor off after 100 failures, so:
from mfalab import throttle

p = 5 / 10**6
answer = 1 - (1 - p) ** throttle.DISABLE_AFTER  # about 100 * p = 0.05 %
print(f"{answer:.4%}")
