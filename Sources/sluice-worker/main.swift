print("sluice-worker")
