using InsureCrm.Analytics;
using InsureCrm.Core.Common;

namespace InsureCrm.Tests.Architecture;

/// <summary>
/// Core's features form one order (docs/decisions/0002-feature-order.md): a type in
/// <c>InsureCrm.Core.&lt;Feature&gt;</c> references only features below its own, so that a new feature
/// never has to edit another one. There are no exceptions: issue 10 untied the last upward reference.
/// </summary>
public class FeatureOrderTests
{
    private const string CorePrefix = "InsureCrm.Core.";

    /// <summary>The order, lowest first (<see cref="FeatureOrder"/>).</summary>
    private static readonly IReadOnlyDictionary<string, int> Rank = FeatureOrder.Rank;

    private static readonly Lazy<TypeReferences> Core = new(() => TypeReferences.Read(typeof(CrmDbContext).Assembly.Location));

    [Fact]
    public void CoreFeatures_AreAllInTheOrder()
    {
        var unknown = Core.Value.ByType.Keys.Select(Feature).OfType<string>().Where(f => !Rank.ContainsKey(f)).Distinct().Order().ToList();

        unknown.ShouldBeEmpty("a feature folder of Core that is not in the order: give it a rank here and in docs/decisions/0002-feature-order.md");
    }

    [Fact]
    public void CoreFeatures_ReferenceOnlyFeaturesBelowThem()
    {
        var upward = UpwardReferences().ToList();

        upward.ShouldBeEmpty(
            "these references point up (or across) the feature order of docs/decisions/0002-feature-order.md; " +
            "move the code to the feature that owns it, or let the higher feature contribute it:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void CoreFeatures_FormNoCycle()
    {
        var edges = FeatureEdges(Core.Value);

        var cycles = StronglyConnected(edges).Where(c => c.Count > 1).Select(c => string.Join(", ", c.Order(StringComparer.Ordinal))).ToList();

        cycles.ShouldBeEmpty("features that use each other in a loop (each line one loop)");
    }

    [Fact]
    public void Analytics_ReferencesNothingOfOurs()
    {
        var analytics = TypeReferences.Read(typeof(DataMatrix).Assembly.Location);

        analytics.AssemblyReferences.Where(a => a.StartsWith("InsureCrm", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void Core_ReferencesNoAspNet()
    {
        var core = Core.Value;

        core.AssemblyReferences.Where(a => a.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ShouldBeEmpty();
        core.ExternalNamespaces.Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    /// <summary>Each reference from a feature's type to a type of a feature not strictly below it, as "from → to" without the "InsureCrm.Core." prefix.</summary>
    private static IEnumerable<string> UpwardReferences() =>
        from pair in Core.Value.ByType
        let source = Feature(pair.Key)
        where source is not null && Rank.ContainsKey(source)
        from target in pair.Value
        let destination = Feature(target)
        where destination is not null && destination != source && Rank.ContainsKey(destination) && Rank[destination] >= Rank[source]
        orderby pair.Key, target
        select $"{pair.Key[CorePrefix.Length..]} → {target[CorePrefix.Length..]}";

    /// <summary>The feature of a type of Core (the first namespace segment after InsureCrm.Core), or null for the root and generated types.</summary>
    private static string? Feature(string fullName)
    {
        if (!fullName.StartsWith(CorePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = fullName[CorePrefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? null : rest[..dot];
    }

    private static Dictionary<string, HashSet<string>> FeatureEdges(TypeReferences references)
    {
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (type, targets) in references.ByType)
        {
            if (Feature(type) is not { } from)
            {
                continue;
            }

            var to = edges.TryGetValue(from, out var set) ? set : edges[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var target in targets)
            {
                if (Feature(target) is { } feature && feature != from)
                {
                    to.Add(feature);
                }
            }
        }

        return edges;
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> edges)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
