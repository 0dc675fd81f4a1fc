import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// Issue #19 item 7 in the store: an e-mail with a NUL is neither stored nor matched by its prefix.
@Suite struct IdentityNULCharacterTests {
  @Test func lookUpByAnEmailWithANULDoesNotFindTheUserBeforeIt() throws {
    let fixture = try IdentityFixture()
    try fixture.member("olivia@example.com", role: .operator)
    #expect(try fixture.database.user(email: "olivia@example.com") != nil)
    #expect(try fixture.database.user(email: "olivia@example.com\u{0}-not-olivia") == nil)
  }

  @Test func addingAUserWithANULIsRefused() throws {
    let fixture = try IdentityFixture()
    let users = try fixture.base.count("users")
    #expect(throws: IdentityError.self) {
      try fixture.identity.addUser(email: "eve@example.com\u{0}x", name: "Eve", password: "pw")
    }
    #expect(throws: IdentityError.self) {
      try fixture.identity.addUser(email: "eve@example.com", name: "Eve\u{0}Admin", password: "pw")
    }
    #expect(try fixture.base.count("users") == users)
  }
}
