import SealCore
import Foundation

/// The text of an uploaded CSV. Excel and WPS on Chinese Windows save CSV in the local code page (GBK, which
/// GB18030 contains) unless told otherwise, so a file that is not UTF-8 is read as GB18030 when it decodes as
/// such, and the answer says which encoding was assumed.
public enum CatalogueText {
    public enum Encoding: String, Sendable, Codable, CaseIterable {
        case utf8 = "utf-8"
        case gb18030

        /// Charset names that mean this encoding (GBK and GB2312 are subsets of GB18030).
        public init?(charset: String) {
            switch charset.lowercased().trimmingCharacters(in: .whitespaces) {
            case "utf-8", "utf8": self = .utf8
            case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
            default: return nil
            }
        }
    }

    public struct Decoded: Sendable, Equatable {
        public var text: String
        public var encoding: Encoding
        /// True when the encoding was detected (not declared by the sender).
        public var detected: Bool
    }

    // kCFStringEncodingGB_18030_2000 as a Foundation string encoding.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Decodes `bytes` as `declared`, or detects UTF-8 (with or without BOM) and else GB18030. Nil when the bytes
    /// are not text in the declared (or any detected) encoding.
    public static func decode(_ bytes: [UInt8], declared: Encoding?) -> Decoded? {
        switch declared {
        case .utf8:
            return String(validating: bytes, as: UTF8.self).map { Decoded(text: $0, encoding: .utf8, detected: false) }
        case .gb18030:
            return String(bytes: bytes, encoding: gb18030).map { Decoded(text: $0, encoding: .gb18030, detected: false) }
        case nil:
            if let text = String(validating: bytes, as: UTF8.self) { return Decoded(text: text, encoding: .utf8, detected: true) }
            return String(bytes: bytes, encoding: gb18030).map { Decoded(text: $0, encoding: .gb18030, detected: true) }
        }
    }
}
