namespace InsureCrm.Core.Campaigns;

/// <summary>
/// The ko/en/zh-TW scripts of the health-gap campaigns per channel: the demo's (<see cref="DemoCampaigns"/>) and the
/// synthetic insurer's planted ones are the same campaigns, so they share one text.
/// </summary>
internal static class HealthGapScripts
{
    public static IEnumerable<ScriptDraft> For(CampaignChannelKind channel) => channel switch
    {
        CampaignChannelKind.Email =>
        [
            new(channel, ScriptLanguage.Korean, "(광고) {{name}}님, 건강 보장을 점검해 보세요",
                "{{name}}님, 현재 계약에는 건강·CI·암 보장이 없습니다. {{agent_name}} 설계사({{branch_name}})가 {{offer_name}}를 준비했습니다.\n수신거부: {{unsubscribe_url}}"),
            new(channel, ScriptLanguage.English, "(광고) {{name}}, check your health cover",
                "Dear {{name}}, your policies hold no health, critical-illness or cancer cover. Your agent {{agent_name}} ({{branch_name}}) has prepared {{offer_name}} for you.\nUnsubscribe: {{unsubscribe_url}}"),
            new(channel, ScriptLanguage.TraditionalChinese, "(광고) {{name}}，請檢視您的健康保障",
                "{{name}} 您好，您目前的保單沒有健康、重大疾病或癌症保障。業務員 {{agent_name}}（{{branch_name}}）為您準備了 {{offer_name}}。\n取消訂閱：{{unsubscribe_url}}"),
        ],
        CampaignChannelKind.Sms =>
        [
            new(channel, ScriptLanguage.Korean, null, "(광고) {{name}}님 건강보장 무료 점검 안내. {{agent_name}} {{agent_phone}} 무료수신거부 {{opt_out_number}}"),
            new(channel, ScriptLanguage.English, null, "(광고) {{name}}, free health-cover check. {{agent_name}} {{agent_phone}} Opt out free {{opt_out_number}}"),
            new(channel, ScriptLanguage.TraditionalChinese, null, "(광고) {{name}} 健康保障免費檢視。{{agent_name}} {{agent_phone}} 免費拒收 {{opt_out_number}}"),
        ],
        CampaignChannelKind.Agent =>
        [
            new(channel, ScriptLanguage.Korean, null, "{{name}}님께 건강·CI·암 보장 공백을 안내하고 {{offer_name}}를 제안하세요. 방문 결과를 기록해 주세요."),
            new(channel, ScriptLanguage.English, null, "Tell {{name}} about the missing health, critical-illness and cancer cover and offer {{offer_name}}. Record the visit's outcome."),
            new(channel, ScriptLanguage.TraditionalChinese, null, "向 {{name}} 說明健康、重大疾病與癌症保障的缺口，並提供 {{offer_name}}。請記錄拜訪結果。"),
        ],
        _ =>
        [
            new(channel, ScriptLanguage.Korean, null, "안녕하세요 {{name}}님, {{branch_name}} {{agent_name}} 설계사를 대신해 건강 보장 점검을 안내드립니다. 원치 않으시면 {{opt_out_number}}로 수신거부하실 수 있습니다."),
            new(channel, ScriptLanguage.English, null, "Hello {{name}}, calling for agent {{agent_name}} of {{branch_name}} about a free health-cover check. To opt out call {{opt_out_number}}."),
            new(channel, ScriptLanguage.TraditionalChinese, null, "{{name}} 您好，代 {{branch_name}} 的 {{agent_name}} 業務員為您介紹免費健康保障檢視。如不願接聽請撥 {{opt_out_number}}。"),
        ],
    };
}
