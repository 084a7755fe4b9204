# Exercise 1: m is in KiB, so m=65536 is 65536 / 1024 = 64 MiB per guess.
# (// divides without making a float: 64, not 64.0.)
stored = "$argon2id$v=19$m=65536,t=3,p=4$O6Fx+q21bYb2NpzYi48wcQ$ofas9mAQM7i7WRGvI7qxRjjpiXZGb429fwiyt1e4i/Y"
parameters = dict(field.split("=") for field in stored.split("$")[3].split(","))
print(parameters)  # {'m': '65536', 't': '3', 'p': '4'}
answer_1 = int(parameters["m"]) // 1024
