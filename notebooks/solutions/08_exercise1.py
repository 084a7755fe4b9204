# Exercise 1: read the origin the browser wrote into what the passkey signed.
# ruff: noqa: F821  (exhibit is the notebook's name)
import base64
import json

text = exhibit["response"]["clientDataJSON"]             # base64url, without padding
raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
print(raw.decode())                                       # the JSON the browser wrote
answer_1 = json.loads(raw)["origin"]
# The same, in one line: read_assertion(exhibit).client_data["origin"]
