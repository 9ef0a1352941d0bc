import Foundation
import Hummingbird
import SealCore
import SealStore
import SealWire
import SmartCard

// How the daemon builds the wire's views from its own records, and which of them routes may return.

extension CardBindingView {

    init(_ b: CardBinding) {
        self.init(
            seal: b.seal, fingerprint: b.fingerprint, subject: b.subject, reader: b.reader, boundAt: b.boundAt, boundBy: b.boundBy,
            certificate: (try? CardCertificate(der: Array(b.certificate)).pem) ?? ""
        )
    }
}

extension WhoAmIView {
    init(_ caller: Caller) {
        self.init(
            uid: caller.principal.uid, gid: caller.principal.gid, pid: caller.principal.pid, user: caller.principal.userName,
            groups: caller.principal.groups.map { Group(gid: $0.gid, name: $0.name) }, roles: caller.roles,
            trustedTool: caller.isTrustedTool, onBehalfOf: caller.onBehalfOf, staff: caller.staffID
        )
    }
}

// The wire's answers, returned by routes as they are (encoded by `LocalTimeResponseEncoder`).
extension ListView: ResponseEncodable {}
extension RegisterCheckView: ResponseEncodable {}
extension Staff: ResponseEncodable {}
extension Matter: ResponseEncodable {}
extension Seal: ResponseEncodable {}
extension Delegation: ResponseEncodable {}
extension UseRequest: ResponseEncodable {}
extension SealView: ResponseEncodable {}
extension DelegationView: ResponseEncodable {}
extension CustodyView: ResponseEncodable {}
extension UseRequestView: ResponseEncodable {}
extension UseView: ResponseEncodable {}
extension UsePageView: ResponseEncodable {}
extension MatterImportView: ResponseEncodable {}
extension JournalEntryView: ResponseEncodable {}
extension CheckpointView: ResponseEncodable {}
extension ProofView: ResponseEncodable {}
extension KeyView: ResponseEncodable {}
extension CardListView: ResponseEncodable {}
extension CardListView.BoundSeal: ResponseEncodable {}
extension CardBindingView: ResponseEncodable {}
extension CardLockView: ResponseEncodable {}
extension SignedUseView: ResponseEncodable {}
extension StatisticsView: ResponseEncodable {}
extension AnomalyReportView: ResponseEncodable {}
extension StatusView: ResponseEncodable {}
extension WhoAmIView: ResponseEncodable {}
