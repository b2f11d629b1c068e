import Testing
import SluiceCore

@Test func versionHeaderNamesTheProduct() {
    #expect(SluiceVersion.serverHeader.hasPrefix("sluice/"))
}
