using InsureCrm.Core.Voc;

namespace InsureCrm.Tests.Voc;

/// <summary>
/// The timeline notes the system writes (a suggestion, a repeat link, a classification, a gap) read back into their parts, so the
/// case page can show them in the reader's language; notes written before the reader existed read the same way, and a note a
/// person typed is not mistaken for one.
/// </summary>
public sealed class VocEventNoteTests
{
    [Fact]
    public void ReadSuggestion_WhatIntakeWrites_AndAnOlderNote_GiveTypeCategoryConfidenceAndWhetherUsed()
    {
        VocEventNote.ReadSuggestion(VocEventNote.OfSuggestion(VocType.Complaint, 0.87, "claims.delay", 0.91, 3, typeUsed: true, categoryUsed: true))
            .ShouldBe(new VocEventNote.Suggestion(VocType.Complaint, 0.87, "claims.delay", 0.91, 3, true, true));
        // Only the category confident enough to be used (the type left to the handler), and the other way round.
        VocEventNote.ReadSuggestion(VocEventNote.OfSuggestion(VocType.Complaint, 0.54, "claims.delay", 0.84, 3, typeUsed: false, categoryUsed: true))
            .ShouldBe(new VocEventNote.Suggestion(VocType.Complaint, 0.54, "claims.delay", 0.84, 3, false, true));
        VocEventNote.ReadSuggestion(VocEventNote.OfSuggestion(VocType.Inquiry, 0.8, "payment.refund", 0.3, 4, typeUsed: true, categoryUsed: false))
            .ShouldBe(new VocEventNote.Suggestion(VocType.Inquiry, 0.8, "payment.refund", 0.3, 4, true, false));
        VocEventNote.ReadSuggestion("Inquiry 100 % / payment.autodebit 64 % (model 1)")
            .ShouldBe(new VocEventNote.Suggestion(VocType.Inquiry, 1.0, "payment.autodebit", 0.64, 1, false, false));
        // Written before the two were told apart: "used" meant both.
        VocEventNote.ReadSuggestion("Inquiry 100 % / payment.autodebit 64 % (model 1); used until confirmed")!.CategoryUsed.ShouldBeTrue();
        VocEventNote.ReadSuggestion(" 40 % /  12 % (model 2)").ShouldBe(new VocEventNote.Suggestion(null, 0.4, null, 0.12, 2, false, false));
        VocEventNote.ReadSuggestion("고객에게 접수 사실을 안내함").ShouldBeNull();
        VocEventNote.ReadSuggestion("Nonsense 40 % / claims 12 % (model 2)").ShouldBeNull();
    }

    [Fact]
    public void ReadRepeat_AndReadGap_WhatTheSystemWrites_AndNothingElse()
    {
        VocEventNote.ReadRepeat(VocEventNote.OfRepeat("VOC-2027-000012", 0.8249)).ShouldBe(new VocEventNote.Repeat("VOC-2027-000012", 0.82));
        VocEventNote.ReadRepeat("지난번 VOC-2027-000012 건 (점수 높음)").ShouldBeNull();
        VocEventNote.ReadGap(VocEventNote.OfGap(ServiceGap.Delivery)).ShouldBe(ServiceGap.Delivery);
        VocEventNote.ReadGap("gap 7").ShouldBeNull();
        VocEventNote.ReadGap("front-line").ShouldBeNull();
    }

    [Fact]
    public void ReadClassification_ConfirmedCorrectedOrWithoutASuggestion()
    {
        var confirmed = VocEventNote.ReadClassification(VocEventNote.OfClassification(null, null, VocSeverity.Normal, VocType.Complaint, "claims.delay",
            VocSeverity.High, VocType.Complaint, "claims.delay")).ShouldNotBeNull();
        (confirmed.TypeBefore, confirmed.CategoryBefore, confirmed.SeverityBefore).ShouldBe(((VocType?)null, (string?)null, (VocSeverity?)VocSeverity.Normal));
        (confirmed.Type, confirmed.Category, confirmed.Severity, confirmed.Verdict)
            .ShouldBe(((VocType?)VocType.Complaint, (string?)"claims.delay", (VocSeverity?)VocSeverity.High, VocEventNote.SuggestionVerdict.Confirmed));

        var corrected = VocEventNote.ReadClassification("Inquiry/payment.autodebit/Normal → Complaint/payment.refund/Normal (suggestion Inquiry/payment.autodebit corrected)")
            .ShouldNotBeNull();
        (corrected.Verdict, corrected.SuggestedType, corrected.SuggestedCategory)
            .ShouldBe((VocEventNote.SuggestionVerdict.Corrected, (VocType?)VocType.Inquiry, (string?)"payment.autodebit"));

        VocEventNote.ReadClassification("Complaint/claims/Low → Complaint/claims/High").ShouldNotBeNull().Verdict.ShouldBe(VocEventNote.SuggestionVerdict.None);
        VocEventNote.ReadClassification("분류를 바꿨습니다 → 불만").ShouldBeNull();
    }
}
