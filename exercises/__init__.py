"""The student's exercises: fill in every `raise NotImplementedError(...)`, then run
`pytest exercises` (or `pytest exercises -k backprop` for one exercise)."""
