namespace InsureCrm.Web.Voc;

/// <summary>The VOC feature of the web host: its pages (found by the router), the mail job that turns the VOC inbox into cases.</summary>
internal static class VocWeb
{
    public static WebApplicationBuilder AddVocWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<VocMailJob>();
        return builder;
    }
}
