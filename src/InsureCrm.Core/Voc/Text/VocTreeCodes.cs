namespace InsureCrm.Core.Voc.Text;

/// <summary>
/// The generator's categories in the category tree of migration 0038 (voc_category): the generator names its phrase books by
/// what the writer talks about ("payment.increase", "compliment.agent"); a case is filed under the tree's leaf that the
/// routing rules and the pages know ("product.premium"; a compliment of an agent under the agent's conduct, with type
/// compliment). Two of the generator's categories share a leaf where the tree has no finer one.
/// </summary>
internal static class VocTreeCodes
{
    private static readonly Dictionary<string, string> Map = new(StringComparer.Ordinal)
    {
        ["product.explanation"] = "product.terms",
        ["product.change"] = "product.fit",
        ["payment.increase"] = "product.premium",
        ["agent.rude"] = "agent.attitude",
        ["agent.turnover"] = "agent.unreachable",
        ["misselling.incomplete"] = "misselling.explanation",
        ["misselling.disclosure"] = "misselling.explanation",
        ["service.web"] = "service.digital",
        ["compliment.agent"] = "agent.attitude",
        ["compliment.callcenter"] = "service.callcenter",
    };

    /// <summary>The tree's leaf code for a generator category (the same code where the tree has it).</summary>
    public static string Of(string generatorCode) => Map.GetValueOrDefault(generatorCode, generatorCode);
}
