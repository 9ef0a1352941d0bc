/// A matter 事项: something a citizen applies for, from the county's catalogue.
public struct Matter: Sendable, Equatable, Codable {
    public enum Category: String, Sendable, Codable, CaseIterable {
        /// 行政权力事项
        case administrative
        /// 公共服务事项
        case publicService = "public-service"
    }

    /// 权力类型 of an administrative matter: the national classification of administrative powers.
    public enum PowerType: String, Sendable, Codable, CaseIterable {
        case licensing = "行政许可"
        case penalty = "行政处罚"
        case coercion = "行政强制"
        case levy = "行政征收"
        case benefit = "行政给付"
        case inspection = "行政检查"
        case confirmation = "行政确认"
        case reward = "行政奖励"
        case adjudication = "行政裁决"
        case other = "其他行政权力"

        /// English names, as the API and English catalogues may write them.
        public var englishName: String {
            switch self {
            case .licensing: "licensing"
            case .penalty: "penalty"
            case .coercion: "coercion"
            case .levy: "levy"
            case .benefit: "benefit"
            case .inspection: "inspection"
            case .confirmation: "confirmation"
            case .reward: "reward"
            case .adjudication: "adjudication"
            case .other: "other"
            }
        }
    }

    public var code: String
    public var name: String
    public var category: Category
    public var powerType: PowerType?
    /// 赋权部门
    public var delegatingDepartment: String
    /// 监管部门
    public var supervisingDepartment: String
    /// 跨乡镇事务: stays with the county.
    public var crossTownship: Bool
    /// 法律法规明确规定不得委托
    public var nonDelegable: Bool

    public init(
        code: String, name: String, category: Category, powerType: PowerType?, delegatingDepartment: String,
        supervisingDepartment: String, crossTownship: Bool, nonDelegable: Bool
    ) {
        self.code = code
        self.name = name
        self.category = category
        self.powerType = powerType
        self.delegatingDepartment = delegatingDepartment
        self.supervisingDepartment = supervisingDepartment
        self.crossTownship = crossTownship
        self.nonDelegable = nonDelegable
    }
}
