using InsureCrm.Core;
using InsureCrm.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCrmCore(builder.Configuration);
builder.AddCrmWeb();

var app = builder.Build();
app.UseCrmWeb();
return await app.RunCrmAsync();

public partial class Program;
