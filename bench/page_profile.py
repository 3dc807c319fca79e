"""Time and profile one page as a demo user: python bench/page_profile.py PATH (DATABASE_URL names the database)."""
import cProfile, pstats, time, os
os.environ.setdefault("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sandbox_bench_100k")
from sandbox import create_app
app=create_app(); app.config["WTF_CSRF_ENABLED"]=False; app.config["RATELIMIT_ENABLED"]=False
c=app.test_client()
r=c.post("/auth/login",data={"email":"office@demo.kr","password":"demo-password-1"}); print(r.status_code)
from sqlalchemy import event
from sandbox.extensions import db
with app.app_context():
    n={"q":0}
    event.listen(db.engine,"before_cursor_execute",lambda *a:n.__setitem__("q",n["q"]+1))
import sys
path=sys.argv[1]
for i in range(2):
    t=time.time(); r=c.get(path); print(path, r.status_code, round((time.time()-t)*1000),"ms", n["q"],"queries"); n["q"]=0
pr=cProfile.Profile(); pr.enable(); c.get(path); pr.disable()
pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
