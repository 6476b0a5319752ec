import subprocess, sys
def lengths(pdf):
    out = subprocess.run(["pdftotext", "-f", "3", pdf, "-"], capture_output=True, text=True).stdout
    ls = [len(l) for l in out.splitlines() if len(l.split()) > 4 and not l.startswith("pagina")]
    ls.sort()
    return max(ls), ls[len(ls)//2], ls[int(len(ls)*0.95)]
print(lengths(sys.argv[1]))
