namespace InsureCrm.Core.Customers;

/// <summary>What a customer's name says about itself, the same for every path that writes a name (imports, corrections).</summary>
internal static class CustomerName
{
    /// <summary>
    /// The script <see cref="Customer.NameScript"/> records: Hangul (syllables and jamo), Hanzi (CJK unified
    /// ideographs and extension A) or Latin (ASCII letters) when the name's letters are of that script alone,
    /// Mixed when of several; a name with none of them counts as Latin.
    /// </summary>
    public static NameScript ScriptOf(string name)
    {
        bool hangul = false, hanzi = false, latin = false;
        foreach (var ch in name)
        {
            if (ch is >= '\uAC00' and <= '\uD7A3' || ch is >= '\u1100' and <= '\u11FF' || ch is >= '\u3130' and <= '\u318F')
            {
                hangul = true;
            }
            else if (ch is >= '\u4E00' and <= '\u9FFF' || ch is >= '\u3400' and <= '\u4DBF')
            {
                hanzi = true;
            }
            else if (char.IsAsciiLetter(ch))
            {
                latin = true;
            }
        }
        return (hangul, hanzi, latin) switch
        {
            (true, false, false) => NameScript.Hangul,
            (false, true, false) => NameScript.Hanzi,
            (false, false, _) => NameScript.Latin,
            _ => NameScript.Mixed,
        };
    }
}
