using InsureCrm.Core;
using InsureCrm.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCrmCore(builder.Configuration);
builder.AddCrmWeb();
// HOOK(synthetic): register the demo generator as an IDemoDataSeeder here; CrmStartup runs it when
// Demo:GenerateOnStartup is true (the default), after migrating and before seeding the demo logins.

var app = builder.Build();
app.UseCrmWeb();
app.Run();

public partial class Program;
