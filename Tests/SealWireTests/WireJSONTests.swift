import Foundation
import SealCore
import SealWire
import Testing

@Suite("Wire JSON")
struct WireJSONTests {
    @Test("a list answer is an object holding its items under its key, and only that key reads back")
    func listKeys() throws {
        let staff = StaffListView([Staff(id: "S001", name: "张三", roles: [.admin, .clerk], unixUser: "zhangsan")])
        let text = String(decoding: try WireJSON.encoder.encode(staff), as: UTF8.self)
        #expect(text == #"{"staff":[{"disabled":false,"id":"S001","name":"张三","roles":["admin","clerk"],"unix_user":"zhangsan"}]}"#)
        #expect(try WireJSON.decoder.decode(StaffListView.self, from: Data(text.utf8)).items == staff.items)
        #expect(throws: DecodingError.self) { try WireJSON.decoder.decode(SealListView.self, from: Data(text.utf8)) }
    }

    @Test("an error answer carries its code, message, lines and tries_left in snake_case")
    func errorBody() throws {
        let body = ErrorBody(SealError(.wrongPIN, "wrong PIN", triesLeft: 2))
        let text = String(decoding: try WireJSON.encoder.encode(body), as: UTF8.self)
        #expect(text == #"{"error":{"code":"wrong-pin","message":"wrong PIN","tries_left":2}}"#)
        let read = try WireJSON.decoder.decode(ErrorBody.self, from: Data(#"{"error":{"code":"invalid-catalogue","message":"m","lines":[{"line":3,"reason":"r"}]}}"#.utf8))
        #expect(read.error.lines == [ErrorBody.LineError(line: 3, reason: "r")])
        #expect(SealError.Code(rawValue: read.error.code).kind.httpStatus == 422)
    }
}
