using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace InsureCrm.Core.Common;

/// <summary>
/// The garbage collections of this process while it listens, per generation: how many, why, how long every
/// thread stood still (suspension to restart) and how much survived. For the import's timings only
/// (<see cref="ImportTimings"/>): it listens to the runtime's own GC events in process, which costs a little.
/// </summary>
internal sealed class GcPauses : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, Generation> _generations = [];
    private DateTime _suspended;
    private int _depth = -1;
    private string _reason = "";

    private sealed class Generation
    {
        public int Count;
        public double PausedMs;
        public double LongestMs;
        public long PromotedBytes;
        public readonly Dictionary<string, int> Reasons = new(StringComparer.Ordinal);
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == RuntimeSource)
        {
            EnableEvents(source, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        lock (_lock)
        {
            switch (e.EventName)
            {
                case "GCSuspendEEBegin_V1":
                    _suspended = e.TimeStamp;
                    break;
                case "GCStart_V2":
                    _depth = Convert.ToInt32(e.Payload![1], CultureInfo.InvariantCulture);
                    _reason = ReasonName(Convert.ToInt32(e.Payload[2], CultureInfo.InvariantCulture));
                    break;
                case "GCHeapStats_V2" when _depth >= 0:
                    // TotalPromotedSize0..2 at payload 1, 3, 5: what survived into the next generation.
                    var promoted = 0L;
                    for (var i = 1; i <= 5 && i < e.Payload!.Count; i += 2)
                    {
                        promoted += Convert.ToInt64(e.Payload[i], CultureInfo.InvariantCulture);
                    }
                    Of(_depth).PromotedBytes += promoted;
                    break;
                case "GCRestartEEEnd_V1" when _depth >= 0 && _suspended != default:
                    var generation = Of(_depth);
                    var ms = (e.TimeStamp - _suspended).TotalMilliseconds;
                    generation.Count++;
                    generation.PausedMs += ms;
                    generation.LongestMs = Math.Max(generation.LongestMs, ms);
                    generation.Reasons[_reason] = generation.Reasons.GetValueOrDefault(_reason) + 1;
                    _depth = -1;
                    _suspended = default;
                    break;
            }
        }
    }

    private Generation Of(int depth) => _generations.TryGetValue(depth, out var g) ? g : _generations[depth] = new Generation();

    private static string ReasonName(int reason) => reason switch
    {
        0 => "small allocations",
        1 => "induced",
        2 => "low memory",
        4 => "large objects",
        5 => "out of space (small)",
        6 => "out of space (large)",
        _ => string.Create(CultureInfo.InvariantCulture, $"reason {reason}"),
    };

    /// <summary>One line per generation collected: count, paused time, the longest pause, survivors, reasons.</summary>
    public void Format(StringBuilder sb)
    {
        var inv = CultureInfo.InvariantCulture;
        lock (_lock)
        {
            foreach (var (depth, g) in _generations.OrderBy(p => p.Key))
            {
                var reasons = string.Join(", ", g.Reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}"));
                sb.Append(inv, $"    gen{depth}: {g.Count,4} collections, paused {g.PausedMs / 1000,6:0.00} s (longest {g.LongestMs,5:0} ms), promoted {g.PromotedBytes / 1048576.0,8:N0} MB; {reasons}\n");
            }
        }
    }
}
