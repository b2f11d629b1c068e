import SluiceCore
print("SluiceBench")
