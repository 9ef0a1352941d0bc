import SealCore
import Foundation

/// The first page of an exported book, what an inspector reads before the lines: totals (合计) per seal and per
/// matter, uses per month per seal (the chart), the anomalies with their entries, and what the book is signed by.
public struct BookSummary: Sendable, Equatable {
    /// One series of the chart: a seal and its uses in each of `months`.
    public struct Series: Sendable, Equatable {
        public var seal: String
        public var name: String
        public var uses: [Int]
    }

    public var statistics: UsageStatistics
    /// Every month from the first to the last with a use (or of the period), `YYYY-MM`, so gaps show as zero.
    public var months: [String]
    public var series: [Series]
    /// The anomalies, each with at most `evidenceShown` of its entries (the first ones)…
    public var anomalies: [Anomaly]
    /// …and how many entries each has in all.
    public var anomalyTotals: [Int]

    /// Entries listed per anomaly. The summary is what an inspector prints and reads first, and a sheet holds at most
    /// 1,048,576 rows: a finding shown by more entries lists the first ones and says how many more there are (`sealctl
    /// report anomalies` lists every one), so the summary is the same size for a quarter as for a decade.
    public static let evidenceShown = 1_000

    /// `totals`: each anomaly's full count, when its evidence was already cut (the count of its evidence otherwise).
    public init(statistics: UsageStatistics, anomalies: [Anomaly], totals: [Int]? = nil, from: LocalDate?, to: LocalDate?) {
        self.statistics = statistics
        anomalyTotals = totals ?? anomalies.map(\.evidence.count)
        self.anomalies = anomalies.map { anomaly in
            var shown = anomaly
            if shown.evidence.count > Self.evidenceShown { shown.evidence.removeSubrange(Self.evidenceShown...) }
            return shown
        }
        let used = statistics.bySealMonth.map(\.name)
        let first = from.map { Self.month($0) } ?? used.min()
        let last = to.map { Self.month($0) } ?? used.max()
        var months: [String] = []
        if var m = first, let last {
            // A period of decades would make a chart nobody can read: at most 36 months are drawn.
            while m <= last && months.count < 36 {
                months.append(m)
                m = Self.next(m)
            }
        }
        self.months = months
        series = statistics.bySeal.map { seal in
            let cells = statistics.bySealMonth.filter { $0.key == seal.key }
            return Series(seal: seal.key, name: seal.name, uses: months.map { month in cells.first { $0.name == month }?.uses ?? 0 })
        }
    }

    /// Entries of anomaly `i` not listed, and the sentence that says so.
    public func unlisted(_ i: Int, zh: Bool) -> (count: Int, text: String)? {
        let more = anomalyTotals[i] - anomalies[i].evidence.count
        guard more > 0 else { return nil }
        return (more, zh ? "另有 \(more) 条未列出（sealctl report anomalies 列出全部）" : "\(more) more entries not listed (sealctl report anomalies lists them all)")
    }

    static func month(_ date: LocalDate) -> String {
        String(date.description.prefix(7))
    }

    static func next(_ month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return "9999-99" }
        let (y, m) = parts[1] == 12 ? (parts[0] + 1, 1) : (parts[0], parts[1] + 1)
        return String(format: "%04d-%02d", y, m)
    }

    /// Fill colours of the series, in order (readable in grey when printed).
    public static let palette = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2f5597", "#833c0b", "#375623"]

    /// The chart as inline SVG: clustered columns, one per seal per month, a y axis with round ticks, a legend.
    public func chartSVG(title: String) -> String {
        let width = 760.0, height = 300.0, left = 48.0, right = 16.0, top = 34.0, bottom = 46.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let peak = series.flatMap(\.uses).max() ?? 0
        let step = Self.tickStep(peak)
        let ceiling = max(step, ((peak + step - 1) / step) * step)
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" width="\#(Int(width))" height="\#(Int(height))" role="img" aria-label="\#(SpreadsheetML.escape(title))">"#
        svg += #"<text x="\#(Int(left))" y="18" font-size="13" font-weight="bold">\#(SpreadsheetML.escape(title))</text>"#
        var tick = 0
        while tick <= ceiling {
            let y = top + plotHeight * (1 - Double(tick) / Double(ceiling))
            svg += #"<line x1="\#(left)" x2="\#(width - right)" y1="\#(y)" y2="\#(y)" stroke="rgb(204,204,204)" stroke-width="0.5"/>"#
            svg += #"<text x="\#(left - 6)" y="\#(y + 4)" font-size="10" text-anchor="end">\#(tick)</text>"#
            tick += step
        }
        let slot = months.isEmpty ? plotWidth : plotWidth / Double(months.count)
        let barWidth = series.isEmpty ? 0 : min(28, slot * 0.8 / Double(series.count))
        for (m, month) in months.enumerated() {
            let x0 = left + slot * Double(m) + (slot - barWidth * Double(series.count)) / 2
            for (s, one) in series.enumerated() {
                let value = one.uses[m]
                let h = plotHeight * Double(value) / Double(ceiling)
                let x = x0 + barWidth * Double(s)
                svg += #"<rect x="\#(x)" y="\#(top + plotHeight - h)" width="\#(barWidth)" height="\#(h)" fill="\#(Self.palette[s % Self.palette.count])"><title>\#(SpreadsheetML.escape(one.name)) \#(month): \#(value)</title></rect>"#
                if value > 0 && barWidth >= 12 {
                    svg += #"<text x="\#(x + barWidth / 2)" y="\#(top + plotHeight - h - 3)" font-size="9" text-anchor="middle">\#(value)</text>"#
                }
            }
            svg += #"<text x="\#(left + slot * (Double(m) + 0.5))" y="\#(top + plotHeight + 14)" font-size="10" text-anchor="middle">\#(month)</text>"#
        }
        svg += #"<line x1="\#(left)" x2="\#(width - right)" y1="\#(top + plotHeight)" y2="\#(top + plotHeight)" stroke="rgb(68,68,68)"/>"#
        var x = left
        for (s, one) in series.enumerated() {
            let label = SpreadsheetML.escape(one.name)
            svg += #"<rect x="\#(x)" y="\#(height - 16)" width="10" height="10" fill="\#(Self.palette[s % Self.palette.count])"/>"#
            svg += #"<text x="\#(x + 14)" y="\#(height - 7)" font-size="10">\#(label)</text>"#
            x += 24 + Double(one.name.unicodeScalars.count) * 10
        }
        return svg + "</svg>"
    }

    /// 1, 2 or 5 times a power of ten, so the axis has at most about six ticks.
    static func tickStep(_ peak: Int) -> Int {
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] where peak <= factor * magnitude * 5 { return factor * magnitude }
            magnitude *= 10
        }
    }
}
