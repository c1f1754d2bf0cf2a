import IAMAccount
print("account benchmark: not written yet")
