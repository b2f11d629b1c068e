import SluiceCore
print("sluice \(SluiceVersion.string)")
