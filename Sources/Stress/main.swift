print("stress: not implemented yet")
