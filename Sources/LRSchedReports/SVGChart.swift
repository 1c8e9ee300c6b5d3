#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LRSched

/// An SVG line chart of schedules: one line per schedule and param group, an lr panel
/// (linear or log y axis) and, when any schedule cycles momentum, a momentum panel
/// below sharing the step axis. Axes have ticks, grid lines and titles; a legend names
/// every line.
public struct SVGChart {
    public var title: String
    public var logScale: Bool
    public var width: Double = 900
    public var lrPanelHeight: Double = 420
    public var momentumPanelHeight: Double = 200

    public init(title: String = "Learning-rate schedules", logScale: Bool = false) {
        self.title = title
        self.logScale = logScale
    }

    /// A line to draw.
    struct Series {
        var label: String
        var color: String
        var lr: [Double]
        var momentum: [Double]?
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    let left = 84.0, right = 24.0, top = 56.0, bottom = 52.0, gap = 46.0

    /// Renders the tables as one chart.
    /// - Throws: ValueError for an empty list or, with a log axis, no positive lr.
    public func render(_ tables: [ScheduleTable]) throws(LRSchedError) -> String {
        guard !tables.isEmpty else { throw LRSchedError(.valueError, "nothing to plot") }
        var series: [Series] = []
        for t in tables {
            for g in 0..<t.groups {
                let label = t.groups == 1 ? t.label : "\(t.label) [group \(g)]"
                series.append(Series(label: label, color: Self.palette[series.count % Self.palette.count],
                                     lr: t.lrs.map { $0[g] }, momentum: t.momenta?.map { $0[g] }))
            }
        }
        let maxStep = max(1, tables.map { $0.lrs.count - 1 }.max() ?? 1)
        let hasMomentum = series.contains { $0.momentum != nil }
        let height = top + lrPanelHeight + (hasMomentum ? gap + momentumPanelHeight : 0) + bottom
        let plotW = width - left - right

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" \
            viewBox="0 0 \(Self.n(width)) \(Self.n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(Self.n(width / 2))" y="30" text-anchor="middle" font-size="18" font-weight="bold" fill="#222">\(Self.escape(title))</text>

            """
        // lr panel
        let lrValues = series.flatMap(\.lr)
        let lrAxis = try Axis(values: lrValues, log: logScale)
        let lrPanel = Panel(x: left, y: top, w: plotW, h: lrPanelHeight, maxStep: maxStep, axis: lrAxis)
        svg += lrPanel.frame(yTitle: logScale ? "learning rate (log)" : "learning rate", xTitle: hasMomentum ? nil : "step")
        for s in series { svg += lrPanel.path(s.lr, color: s.color, cssClass: "series lr", label: s.label) }
        // momentum panel
        if hasMomentum {
            let moms = series.compactMap(\.momentum).flatMap { $0 }
            let mAxis = try Axis(values: moms, log: false)
            let mPanel = Panel(x: left, y: top + lrPanelHeight + gap, w: plotW, h: momentumPanelHeight, maxStep: maxStep, axis: mAxis)
            svg += mPanel.frame(yTitle: "momentum", xTitle: "step")
            for s in series {
                if let m = s.momentum { svg += mPanel.path(m, color: s.color, cssClass: "series momentum", label: s.label) }
            }
        }
        svg += legend(series, panel: lrPanel)
        svg += "</svg>\n"
        return svg
    }

    /// The legend, in the corner of the lr panel that hides the fewest points.
    func legend(_ series: [Series], panel: Panel) -> String {
        let lineH = 18.0
        let longest = series.map(\.label.count).max() ?? 0
        let w = min(panel.w - 20, Double(longest) * 7.0 + 46)
        let h = Double(series.count) * lineH + 12
        let corners = [(panel.x + panel.w - w - 10, panel.y + 10), (panel.x + 10, panel.y + 10),
                       (panel.x + panel.w - w - 10, panel.y + panel.h - h - 10), (panel.x + 10, panel.y + panel.h - h - 10)]
        var best = corners[0]
        var bestHidden = Int.max
        for c in corners {
            var hidden = 0
            for s in series {
                let stride = max(1, s.lr.count / 400)
                for k in Swift.stride(from: 0, to: s.lr.count, by: stride) {
                    guard let yy = panel.py(s.lr[k]) else { continue }
                    let xx = panel.px(k)
                    if xx >= c.0 && xx <= c.0 + w && yy >= c.1 && yy <= c.1 + h { hidden += 1 }
                }
            }
            if hidden < bestHidden { bestHidden = hidden; best = c }
        }
        let (x, y) = best
        var out = "<g class=\"legend\">\n"
        out += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#bbbbbb\"/>\n"
        for (i, s) in series.enumerated() {
            let ly = y + 6 + lineH * Double(i) + lineH / 2
            out += "<line x1=\"\(Self.n(x + 8))\" y1=\"\(Self.n(ly))\" x2=\"\(Self.n(x + 32))\" y2=\"\(Self.n(ly))\" stroke=\"\(s.color)\" stroke-width=\"2.5\"/>\n"
            out += "<text x=\"\(Self.n(x + 38))\" y=\"\(Self.n(ly + 4))\" font-size=\"12\" fill=\"#222\">\(Self.escape(s.label))</text>\n"
        }
        return out + "</g>\n"
    }

    /// A y axis: range and ticks, linear or log10.
    struct Axis {
        var lo: Double
        var hi: Double
        var log: Bool
        var ticks: [Double]
        var step: Double

        init(values: [Double], log: Bool) throws(LRSchedError) {
            self.log = log
            if log {
                let positive = values.filter { $0 > 0 && $0.isFinite }
                guard let mn = positive.min(), let mx = positive.max() else {
                    throw LRSchedError(.valueError, "--log needs positive lrs")
                }
                var a = Glibc.floor(log10(mn))
                var b = Glibc.ceil(log10(mx))
                if a == b { a -= 1; b += 1 }
                lo = a
                hi = b
                let every = max(1.0, Glibc.ceil((b - a) / 8))
                ticks = stride(from: a, through: b, by: every).map { $0 }
                step = every
            } else {
                let finite = values.filter(\.isFinite)
                var mn = finite.min() ?? 0
                var mx = finite.max() ?? 1
                if mn > 0 && mn < (mx - mn) * 0.6 { mn = 0 }  // anchor near-zero ranges at 0
                if mx == mn { let d = Swift.max(abs(mx) * 0.1, 1e-3); mn -= d; mx += d }
                let step = Self.niceStep((mx - mn) / 6)
                lo = Glibc.floor(mn / step) * step
                hi = Glibc.ceil(mx / step) * step
                self.step = step
                var t: [Double] = []
                var v = lo
                while v <= hi + step * 1e-9 && t.count < 50 { t.append(v); v = lo + Double(t.count) * step }
                ticks = t
            }
        }

        static func niceStep(_ rough: Double) -> Double {
            guard rough > 0, rough.isFinite else { return 1 }
            let mag = pow(10, Glibc.floor(log10(rough)))
            let r = rough / mag
            let nice: Double = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10
            return nice * mag
        }

        func position(_ v: Double) -> Double? {
            if log {
                guard v > 0, v.isFinite else { return nil }
                return (log10(v) - lo) / (hi - lo)
            }
            guard v.isFinite else { return nil }
            return (v - lo) / (hi - lo)
        }

        func label(_ t: Double) -> String {
            if log { return "1e\(Int(t))" }
            return SVGChart.tickLabel(t, step: step)
        }
    }

    struct Panel {
        var x, y, w, h: Double
        var maxStep: Int
        var axis: Axis

        func px(_ step: Int) -> Double { x + w * Double(step) / Double(maxStep) }
        func py(_ v: Double) -> Double? { axis.position(v).map { y + h - h * $0 } }

        func frame(yTitle: String, xTitle: String?) -> String {
            var out = "<g class=\"axes\">\n"
            out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"#fbfbfb\" stroke=\"#888888\"/>\n"
            for t in axis.ticks {
                guard let yy = py(axis.log ? pow(10, t) : t) else { continue }
                out += "<line x1=\"\(n(x))\" y1=\"\(n(yy))\" x2=\"\(n(x + w))\" y2=\"\(n(yy))\" stroke=\"#e3e3e3\"/>\n"
                out += "<line x1=\"\(n(x - 5))\" y1=\"\(n(yy))\" x2=\"\(n(x))\" y2=\"\(n(yy))\" stroke=\"#555\"/>\n"
                out += "<text class=\"tick y\" x=\"\(n(x - 8))\" y=\"\(n(yy + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"#333\">\(axis.label(t))</text>\n"
            }
            let xs = Axis.niceStep(Double(maxStep) / 8)
            var s = 0.0
            while s <= Double(maxStep) + 1e-9 {
                let xx = x + w * s / Double(maxStep)
                out += "<line x1=\"\(n(xx))\" y1=\"\(n(y))\" x2=\"\(n(xx))\" y2=\"\(n(y + h))\" stroke=\"#eeeeee\"/>\n"
                out += "<line x1=\"\(n(xx))\" y1=\"\(n(y + h))\" x2=\"\(n(xx))\" y2=\"\(n(y + h + 5))\" stroke=\"#555\"/>\n"
                out += "<text class=\"tick x\" x=\"\(n(xx))\" y=\"\(n(y + h + 19))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#333\">\(SVGChart.tickLabel(s, step: xs))</text>\n"
                s += xs
            }
            out += "<text class=\"axis-label\" x=\"\(n(x - 62))\" y=\"\(n(y + h / 2))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\" transform=\"rotate(-90 \(n(x - 62)) \(n(y + h / 2)))\">\(yTitle)</text>\n"
            if let xTitle {
                out += "<text class=\"axis-label\" x=\"\(n(x + w / 2))\" y=\"\(n(y + h + 40))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\">\(xTitle)</text>\n"
            }
            return out + "</g>\n"
        }

        /// One `<path>`; very long series are reduced to each pixel column's first,
        /// min, max and last points, which keeps the drawn shape.
        func path(_ values: [Double], color: String, cssClass: String, label: String) -> String {
            var d = ""
            var penDown = false
            let columns = Int(w * 2)
            let bucket = max(1, values.count / max(1, columns))
            var i = 0
            while i < values.count {
                let end = min(values.count, i + bucket)
                var idx = [i]
                if bucket > 1 {
                    var mn = i, mx = i
                    for j in i..<end {
                        if values[j] < values[mn] { mn = j }
                        if values[j] > values[mx] { mx = j }
                    }
                    idx = Array(Set([i, mn, mx, end - 1])).sorted()
                }
                for j in idx {
                    if let yy = py(values[j]) {
                        d += (penDown ? "L" : "M") + "\(n(px(j))),\(n(yy)) "
                        penDown = true
                    } else {
                        penDown = false
                    }
                }
                i = end
            }
            return "<path class=\"\(cssClass)\" d=\"\(d.trimmingTrailingSpace)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"><title>\(SVGChart.escape(label))</title></path>\n"
        }

        func n(_ v: Double) -> String { SVGChart.n(v) }
    }

    /// A coordinate with at most 2 decimals.
    static func n(_ v: Double) -> String {
        let s = formatFixed(v, digits: 2)
        var t = Substring(s)
        if t.contains(".") {
            while t.hasSuffix("0") { t = t.dropLast() }
            if t.hasSuffix(".") { t = t.dropLast() }
        }
        return String(t)
    }

    /// A tick label with as many decimals as the tick step needs.
    static func tickLabel(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) < 1e-4 || abs(v) >= 1e6 {
            return pyRepr(Double(formatFixed(v, digits: 12)) ?? v)
        }
        var decimals = 12
        for d in 0...12 {
            let scaled = step * pow(10, Double(d))
            if abs(scaled - scaled.rounded()) < 1e-6 * Swift.max(1, scaled) { decimals = d; break }
        }
        return formatFixed(v, digits: decimals)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    var trimmingTrailingSpace: String {
        var s = Substring(self)
        while s.hasSuffix(" ") { s = s.dropLast() }
        return String(s)
    }
}
