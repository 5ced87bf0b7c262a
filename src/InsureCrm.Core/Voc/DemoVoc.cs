using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Voc;

/// <summary>
/// The demo's VOC cases, once (until a case exists): the demo handler <c>voc</c> works every head-office department and heads
/// customer satisfaction and claims; a few dozen voices across channels, types and states go in through <see cref="VocIntake"/>
/// and are worked through <see cref="VocCases"/> (responded, resolved with a gap tag, one waiting for the customer, one regulator
/// referral, one received two weeks ago and breached by the SLA run, a front-line answer by the demo agent), and the SLA run
/// picks up the call center's VOC-flagged contacts. Nothing is written that the services did not compute.
/// </summary>
internal sealed class DemoVoc(CrmDbContext db, VocIntake intake, VocCases cases, VocSlaRun sla, TimeProvider time, ILogger<DemoVoc> logger,
    CrmDatabase database, VocOptions options, VocClock clock, VocLearning learning)
{
    private sealed record Voice(VocChannel Channel, VocType Type, string Category, VocSeverity Severity, string Subject, string Text);

    private static readonly Voice[] Voices =
    [
        new(VocChannel.CallCenter, VocType.Complaint, "claims.delay", VocSeverity.High, "입원 보험금 지급 지연", "입원 보험금을 청구한 지 3주가 지났는데 아직 지급이 안 됐습니다. 담당자와 통화도 안 되고 진행 상황을 알 수가 없습니다."),
        new(VocChannel.Email, VocType.Complaint, "claims.denied", VocSeverity.High, "수술비 지급 거절 이의", "백내장 수술비 청구가 거절되었다는 문자만 받았습니다. 약관 어디에 근거한 것인지 설명을 듣고 싶습니다."),
        new(VocChannel.Branch, VocType.Complaint, "agent.unreachable", VocSeverity.Normal, "담당 설계사 연락 두절", "담당 설계사님이 두 달째 전화를 받지 않습니다. 보장 내용을 바꾸고 싶은데 누구에게 연락해야 하나요?"),
        new(VocChannel.WebForm, VocType.Inquiry, "payment.refund", VocSeverity.Low, "해지환급금 문의", "종신보험을 해지하면 환급금이 얼마인지, 해지 대신 감액하는 방법도 있는지 알고 싶습니다."),
        new(VocChannel.CallCenter, VocType.Complaint, "payment.autodebit", VocSeverity.Normal, "보험료 이중 출금", "이번 달 보험료가 두 번 출금되었습니다. 빨리 환불해 주세요."),
        new(VocChannel.Letter, VocType.Suggestion, "service.digital", VocSeverity.Low, "모바일 청구 개선 제안", "모바일 앱으로 보험금 청구할 때 서류 사진을 한 장씩만 올릴 수 있어 불편합니다. 여러 장을 한 번에 올리게 해 주세요."),
        new(VocChannel.Survey, VocType.Compliment, "service.callcenter", VocSeverity.Low, "상담원 칭찬", "콜센터 상담원분이 복잡한 청구 절차를 차근차근 설명해 주셔서 정말 감사했습니다."),
        new(VocChannel.Agent, VocType.Consultation, "product.terms", VocSeverity.Low, "암 진단비 보장 범위 상담", "갑상선암도 일반암 진단비를 받을 수 있는지 상담을 요청합니다."),
        new(VocChannel.Email, VocType.Complaint, "privacy.marketing", VocSeverity.High, "원치 않는 마케팅 전화", "마케팅 수신을 거부했는데도 계속 보험 권유 전화가 옵니다. 제 번호를 어디서 얻은 것인지 밝혀 주세요."),
        new(VocChannel.CallCenter, VocType.Complaint, "misselling.explanation", VocSeverity.High, "설명과 다른 상품", "저축처럼 원금이 보장된다고 해서 가입했는데 변액보험이었습니다. 가입 당시 설명을 제대로 듣지 못했습니다."),
        new(VocChannel.Fax, VocType.Complaint, "claims.documents", VocSeverity.Normal, "서류 재요청 불만", "이미 제출한 진단서를 또 보내 달라고 합니다. 같은 서류를 몇 번이나 내야 하나요?"),
        new(VocChannel.WebMention, VocType.Complaint, "service.delay", VocSeverity.Normal, "온라인 커뮤니티 게시글", "주소 변경을 요청했는데 2주째 반영이 안 되어 우편물이 예전 집으로 간다는 글이 올라왔습니다."),
        new(VocChannel.Postcard, VocType.Compliment, "agent.attitude", VocSeverity.Low, "설계사 칭찬 엽서", "어머니 보험금 청구를 끝까지 챙겨 주신 설계사님께 감사 인사를 전합니다."),
        new(VocChannel.Internal, VocType.Suggestion, "internal.process", VocSeverity.Low, "청구 서류 접수 절차 개선", "지점에서 받은 청구 서류를 스캔해서 다시 우편으로 보내는 이중 작업을 없애면 좋겠습니다."),
        new(VocChannel.CallCenter, VocType.Inquiry, "claims.documents", VocSeverity.Low, "실손 청구 서류 문의", "통원 치료 실손 보험금을 청구하려면 어떤 서류가 필요한가요?"),
        new(VocChannel.Branch, VocType.Complaint, "service.branch", VocSeverity.Normal, "창구 대기 시간", "지점 창구에서 한 시간 넘게 기다렸는데 안내가 전혀 없었습니다."),
        new(VocChannel.Email, VocType.Inquiry, "product.premium", VocSeverity.Low, "갱신 보험료 인상 문의", "갱신형 건강보험 보험료가 많이 올랐는데 인상 사유를 알고 싶습니다."),
        new(VocChannel.CallCenter, VocType.Complaint, "agent.unauthorized", VocSeverity.High, "동의 없는 계약 변경", "제 동의 없이 설계사가 납입 기간을 바꿨습니다. 원래대로 돌려 주세요."),
        new(VocChannel.WebForm, VocType.Report, "privacy.leak", VocSeverity.Critical, "개인정보 오발송 신고", "다른 사람의 보험 안내문이 제 주소로 왔습니다. 제 정보도 다른 곳에 갔을까 걱정됩니다."),
        new(VocChannel.Letter, VocType.Complaint, "payment.premium", VocSeverity.Normal, "미납 안내 오류", "보험료를 냈는데도 미납 안내장이 왔습니다."),
        new(VocChannel.Survey, VocType.Suggestion, "service.callcenter", VocSeverity.Low, "콜백 시간 지정", "콜센터 콜백 시간을 제가 고를 수 있으면 좋겠습니다."),
        new(VocChannel.Agent, VocType.Complaint, "product.fit", VocSeverity.Normal, "연금보험 적합성", "은퇴가 얼마 남지 않았는데 20년납 연금보험을 권유받았습니다. 저에게 맞는 상품인지 다시 확인해 주세요."),
        new(VocChannel.Email, VocType.Compliment, "service.branch", VocSeverity.Low, "지점 직원 칭찬", "지점 직원분이 어르신인 아버지를 친절하게 도와주셨습니다."),
        new(VocChannel.CallCenter, VocType.Complaint, "claims.amount", VocSeverity.Normal, "지급 금액 산정 문의", "입원 일수보다 적게 계산된 것 같습니다. 계산 내역을 보내 주세요."),
    ];

    /// <summary>The current model's suggestion on the generated cases not classified yet (what intake would have kept).</summary>
    private async Task<int> SuggestForUnclassifiedAsync(CancellationToken ct)
    {
        var json = await db.VocClassifierModels.AsNoTracking().OrderByDescending(m => m.Id).Select(m => m.ModelJson).FirstOrDefaultAsync(ct);
        if (json is null)
        {
            return 0;
        }
        var model = Text.VocClassifier.FromJson(json);
        var open = await db.VocCases.Where(c => c.Type == null && c.SuggestedType == null).ToListAsync(ct);
        foreach (var c in open)
        {
            var s = model.Suggest(Text.VocClassifier.Compose(c.Subject, c.Text));
            c.SuggestedType = VocLearning.TypeOf(s.Type);
            c.SuggestedTypeConfidence = s.TypeConfidence;
            c.SuggestedCategoryCode = s.Category;
            c.SuggestedCategoryConfidence = s.CategoryConfidence;
        }
        await db.SaveChangesAsync(ct);
        return open.Count;
    }

    /// <summary>Returns the number of cases opened (0 when the demo had some already or lacks its logins or customers).</summary>
    public async Task<int> EnsureAsync(CancellationToken ct)
    {
        if (await db.VocCases.AnyAsync(ct))
        {
            return 0;
        }
        var accounts = await db.Users.AsNoTracking().Where(u => u.UserName == "voc" || u.UserName == "agent" || u.UserName == "callcenter")
            .ToDictionaryAsync(u => u.UserName, ct);
        if (!accounts.TryGetValue("voc", out var vocAccount))
        {
            return 0;
        }
        var customers = await (from k in db.Contracts.AsNoTracking()
                               join c in db.Customers.AsNoTracking() on k.CustomerId equals c.Id
                               where c.MergedIntoId == null && (k.Status == ContractStatus.InForce || k.Status == ContractStatus.Reinstated)
                               select new { c.Id, ContractId = k.Id }).OrderBy(x => x.Id).Take(400).ToListAsync(ct);
        if (customers.Count < Voices.Length)
        {
            return 0;
        }
        var distinct = customers.GroupBy(c => c.Id).Select(g => g.First()).ToList();
        var headOffice = await db.VocDepartments.Where(d => d.BranchId == null).ToListAsync(ct);
        foreach (var d in headOffice)
        {
            db.VocDepartmentMembers.Add(new VocDepartmentMember { DepartmentId = d.Id, UserId = vocAccount.Id });
            if (d.Code is "CS" or "CLAIMS")
            {
                d.HeadUserId = vocAccount.Id;
            }
        }
        await db.SaveChangesAsync(ct);
        var voc = new CrmUser(vocAccount.Id, vocAccount.UserName, Role.VocHandler, null, null, null, "demo-setup");
        var now = time.GetUtcNow();
        // The year behind the showcase: generated cases in bulk, the classifier trained on those staff classified, its
        // suggestion kept on the recent ones nobody classified yet. The showcase cases below then go through intake with
        // the model and the history (suggestions, repeat links).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var generated = await new DemoVocCases(database, options, clock, time).EnsureAsync(DemoVocCases.DefaultCount, ct);
        var training = await learning.TrainAsync("demo-setup", VocLearning.Seed, ct);
        var suggested = await SuggestForUnclassifiedAsync(ct);
        if (training.Evaluation is { } e)
        {
            logger.LogInformation("Demo VOC history: {Cases} generated cases in {Seconds:F1} s; classifier on {Confirmed} confirmed cases, held out: type {Type:P1} (majority {MajorityType:P1}, keywords {KeywordType:P1}; mean confidence {TypeConfidence:P1}), category {Category:P1} (majority {MajorityCategory:P1}, keywords {KeywordCategory:P1}; mean confidence {CategoryConfidence:P1}); {Suggested} suggestions",
                generated, watch.Elapsed.TotalSeconds, training.Cases, e.TypeAccuracy, e.MajorityTypeAccuracy, e.KeywordTypeAccuracy, e.TypeMeanConfidence, e.CategoryAccuracy,
                e.MajorityCategoryAccuracy, e.KeywordCategoryAccuracy, e.CategoryMeanConfidence, suggested);
        }
        var ids = new List<long>();
        for (var i = 0; i < Voices.Length; i++)
        {
            var v = Voices[i];
            var who = distinct[(i * 7) % distinct.Count];
            var request = new VocIntakeRequest(v.Channel, v.Type, v.Category, v.Severity, v.Subject, v.Text)
            {
                CustomerId = v.Channel is VocChannel.WebMention or VocChannel.Internal ? null : who.Id,
                ContractId = v.Channel is VocChannel.WebMention or VocChannel.Internal ? null : who.ContractId,
                ReceivedAt = now.AddHours(-(i % 6) * 3 - 1),
                ExternalRef = "demo-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var result = await intake.OpenAsync(request, null, ct);
            if (result.CaseId is { } id)
            {
                ids.Add(id);
            }
        }
        // Worked by the handler: some answered, some resolved with a gap tag and closed, one waiting for the customer.
        for (var i = 0; i < ids.Count; i++)
        {
            if (i % 3 == 0)
            {
                await cases.RespondAsync(voc, ids[i], "고객에게 전화로 접수 사실과 처리 일정을 안내함", ct);
            }
            if (i % 4 == 1)
            {
                await cases.ResolveAsync(voc, ids[i], new VocResolution("경위를 확인하여 고객에게 설명하고 조치 결과를 안내했습니다.", i % 8 == 1,
                    (VocCause)(i % 8), "담당 부서 확인 결과", (ServiceGap)(i % 4 == 1 ? (i / 4) % 4 : 0)), ct);
                if (i % 8 == 5)
                {
                    await cases.CloseAsync(voc, ids[i], ct);
                    await cases.RecordSatisfactionAsync(voc, ids[i], 4, ct);
                }
            }
        }
        if (ids.Count > 4)
        {
            await cases.PauseAsync(voc, ids[4], "출금 내역 확인을 위해 고객의 통장 사본 회신 대기", ct);
        }
        // A regulator referral (금융감독원), due on the regulator's deadline.
        var fss = await intake.OpenAsync(new VocIntakeRequest(VocChannel.Regulator, VocType.Complaint, "misselling.explanation", VocSeverity.High,
            "금융감독원 이첩 민원", "가입 당시 중도 해지 시 원금 손실 가능성에 대한 설명을 듣지 못했다는 민원이 금융감독원을 통해 이첩되었습니다.")
        {
            CustomerId = distinct[1].Id, ExternalRef = "FSS-DEMO-0001", ReceivedAt = now.AddDays(-2), RegulatorDueAt = now.AddDays(8),
        }, null, ct);
        // Received two weeks ago and never answered: the SLA run below marks it breached and escalates it to the head.
        var old = await intake.OpenAsync(new VocIntakeRequest(VocChannel.Letter, VocType.Complaint, "claims.delay", VocSeverity.Normal, "장기 미처리 민원",
            "2주 전에 우편으로 보낸 보험금 이의 신청에 아무 답이 없습니다.") { CustomerId = distinct[2].Id, ExternalRef = "demo-old", ReceivedAt = now.AddDays(-14) }, null, ct);
        // The demo agent answers an inquiry on the spot (front-line authority).
        if (accounts.TryGetValue("agent", out var agentAccount))
        {
            var agent = new CrmUser(agentAccount.Id, agentAccount.UserName, Role.Agent, agentAccount.AgentId, agentAccount.BranchId, null, "demo-setup");
            await intake.OpenAsync(new VocIntakeRequest(VocChannel.Agent, VocType.Inquiry, "payment.refund", VocSeverity.Low, "해지환급금 현장 안내",
                "고객이 해지환급금을 물어 현장에서 조회해 안내함") { ResolveOnSpot = new VocSpotResolution("예상 해지환급금과 감액 완납 방법을 안내함"), ExternalRef = "demo-frontline" },
                agent, ct);
        }
        var run = await sla.RunAsync(now, ct);
        var opened = await db.VocCases.CountAsync(ct);
        logger.LogInformation("Demo VOC: {Cases} cases ({Regulator} regulator, {Old} breached), SLA run warned {Warned}, escalated {Escalated}, {Inbound} from the call center",
            opened, fss.Status, old.Status, run.Warned, run.Escalated, run.OpenedFromInbound);
        return opened;
    }
}
