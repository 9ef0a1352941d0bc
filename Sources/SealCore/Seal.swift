/// A seal 印章 the township holds: physical, or electronic with its key on a card.
public struct Seal: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// 行政审批委托专用章: for delegated administrative matters.
        case delegatedApproval = "delegated-approval"
        /// 业务专用章: for delegated public-service matters.
        case business
        /// 审批服务专用章: the township's own seal for fully devolved matters.
        case approvalService = "approval-service"
        /// 2号公章
        case officialNo2 = "official-no2"
        case other

        /// As a Chinese form names it.
        public var chineseName: String {
            switch self {
            case .delegatedApproval: "行政审批委托专用章"
            case .business: "业务专用章"
            case .approvalService: "审批服务专用章"
            case .officialNo2: "2号公章"
            case .other: "其他印章"
            }
        }
    }

    public enum Medium: String, Sendable, Codable, CaseIterable {
        case physical, electronic

        /// As a Chinese form names it.
        public var chineseName: String {
            switch self {
            case .physical: "实物印章"
            case .electronic: "电子印章"
            }
        }
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case registered, active, suspended, lost, revoked, destroyed

        /// As a Chinese form names it.
        public var chineseName: String {
            switch self {
            case .registered: "已登记"
            case .active: "启用"
            case .suspended: "暂停使用"
            case .lost: "遗失"
            case .revoked: "废止"
            case .destroyed: "已销毁"
            }
        }
    }

    public var id: String
    public var name: String
    public var kind: Kind
    public var medium: Medium
    /// The county department that engraved or delegated it.
    public var owner: String
    /// The township organisation holding it.
    public var holder: String
    /// Staff id of the custodian.
    public var custodian: String
    public var status: Status

    public init(
        id: String, name: String, kind: Kind, medium: Medium, owner: String, holder: String, custodian: String,
        status: Status = .registered
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.medium = medium
        self.owner = owner
        self.holder = holder
        self.custodian = custodian
        self.status = status
    }

    /// Whether this kind of seal may be used for this category of matter: 委托专用章 ↔ administrative,
    /// 业务专用章 ↔ public-service. Other kinds are not tied to a category.
    public static func kind(_ kind: Kind, fits category: Matter.Category) -> Bool {
        switch kind {
        case .delegatedApproval: category == .administrative
        case .business: category == .publicService
        case .approvalService, .officialNo2, .other: true
        }
    }
}
