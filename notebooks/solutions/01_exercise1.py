# Exercise 1: m is in KiB, so 65536 KiB / 1024 = 64 MiB per guess.
from mfalab.widgets.hashing import describe_parameters

stored = "$argon2id$v=19$m=65536,t=3,p=4$O6Fx+q21bYb2NpzYi48wcQ$ofas9mAQM7i7WRGvI7qxRjjpiXZGb429fwiyt1e4i/Y"
print(describe_parameters(stored))
answer = 65536 // 1024
