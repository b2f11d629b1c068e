import Testing
@testable import LighttpdConfig

@Test func locationPrintsAsFileLineColumn() {
    let location = SourceLocation(file: "etc/sluice.conf", line: 3, column: 7)
    #expect(location.description == "etc/sluice.conf:3:7")
    #expect(location.advanced(by: 2).column == 9)
}
