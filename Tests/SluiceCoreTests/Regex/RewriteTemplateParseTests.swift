import Testing
import SluiceCore

@Suite struct RewriteTemplateParseTests {
    @Test(arguments: [
        ("${", 0, "missing '}'"),
        ("/a${1", 2, "missing '}'"),
        ("/a%{esc:1", 2, "missing '}'"),
        ("${}", 0, "empty substitution"),
        ("/x${esc:}", 2, "empty substitution"),
        ("${foo:1}", 2, "unknown substitution modifier 'foo:'"),
        ("/${esc:bogus:1}", 7, "unknown substitution modifier 'bogus:'"),
        ("${url.host}", 2, "unknown substitution 'url.host'"),
        ("%{qsa2}", 2, "unknown substitution 'qsa2'"),
        ("${esc1}", 2, "unknown substitution 'esc1'"),
        ("${1a}", 2, "unknown substitution '1a'"),
        ("${10}", 2, "capture group 10 is out of range"),
        ("/%{tolower:19}", 11, "capture group 19 is out of range"),
        ("${007}", 2, "capture group 007 is out of range"),
        ("/é${x}", 5, "unknown substitution 'x'"),  // byte offsets: "é" is two bytes
    ])
    func rejectsMalformedReferences(_ template: String, _ offset: Int, _ fragment: String) {
        #expect {
            _ = try RewriteTemplate(template)
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.offset == offset && error.message.contains(fragment)
        }
    }

    @Test(arguments: [
        ("/plain", nil, nil),
        ("/$1/$3", 3, nil),
        ("/${09}/%2", 9, 2),
        ("/%{tolower:0}", nil, 0),
        ("/$$1/%%2", nil, nil),
        ("${url.path}${qsa}", nil, nil),
    ] as [(String, Int?, Int?)])
    func reportsHighestGroups(_ template: String, _ rule: Int?, _ condition: Int?) throws {
        let parsed = try RewriteTemplate(template)
        #expect(parsed.highestRuleGroup == rule)
        #expect(parsed.highestConditionGroup == condition)
        #expect(parsed.usesConditionCaptures == (condition != nil))
        #expect(parsed.source == template)
    }
}
