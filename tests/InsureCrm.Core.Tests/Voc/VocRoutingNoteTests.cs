using InsureCrm.Core.Voc;

namespace InsureCrm.Tests.Voc;

/// <summary>The routing note is stored as codes, so each reader gets it in their language; the CLI reads it in English.</summary>
public sealed class VocRoutingNoteTests
{
    [Fact]
    public void Note_ReadsBackItsParts_AndDescribesThemInEnglish()
    {
        var note = VocRoutingNote.Join(VocRoutingNote.Rule(3, "claims", VocType.Complaint, null, "CLAIMS"), VocRoutingNote.OwnerFewest(18));

        var parts = VocRoutingNote.Read(note).ShouldNotBeNull();

        parts.Count.ShouldBe(2);
        parts[0].ShouldBe(new VocRoutingNote.Part("rule", 3, "claims", "Complaint", null, "CLAIMS"));
        parts[1].Open.ShouldBe(18);
        VocRoutingNote.Describe(note).ShouldBe("rule 3 (category claims, type Complaint) → CLAIMS; owner: the member with the fewest open cases (18)");
        VocRoutingNote.Describe(VocRoutingNote.Join(VocRoutingNote.Regulator("COMPLIANCE"), VocRoutingNote.OwnerNone))
            .ShouldBe("regulator referral → COMPLIANCE; no members and no head: unassigned");
    }

    [Fact]
    public void Note_WrittenAsFreeText_IsNotReadAsCodesAndIsShownAsItIs()
    {
        VocRoutingNote.Read("rule 1 (category claims) → CLAIMS; owner: …").ShouldBeNull();
        VocRoutingNote.Describe("수기 배정").ShouldBe("수기 배정");
    }
}
