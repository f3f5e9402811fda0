#!/usr/bin/env python3
# Checks our proto subset against whatsmeow's schema: every message, enum, field and
# enum value we declare must exist upstream with identical name, number, label, type, type name and
# packed option. Upstream-only declarations are fine (we keep a subset on purpose).
#
# usage: compare_with_whatsmeow.py <our Proto dir> <whatsmeow proto/ dir (only .proto files)>
# Needs the protoc shipped in the Grpc.Tools NuGet package (set PROTOC / PROTOC_INCLUDE to override).
import re, sys, subprocess, os, glob
PROTOC=os.environ.get('PROTOC', os.path.expanduser('~/.nuget/packages/grpc.tools/2.85.0/tools/linux_x64/protoc'))
INC=os.environ.get('PROTOC_INCLUDE', os.path.expanduser('~/.nuget/packages/grpc.tools/2.85.0/build/native/include'))
def parse(txt):
    # minimal text-format parser -> nested lists of (key, value)
    toks=re.findall(r'"(?:[^"\\]|\\.)*"|[{}]|[A-Za-z_][\w.]*:|[^\s{}]+', txt)
    i=0
    def block():
        nonlocal i
        out=[]
        while i<len(toks):
            t=toks[i]
            if t=='}': i+=1; return out
            if t.endswith(':'):
                out.append((t[:-1], toks[i+1])); i+=2
            else:
                i+=1; assert toks[i]=='{',(t,toks[i]); i+=1
                out.append((t, block()))
        return out
    return block()
def get(b,k): return [v for kk,v in b if kk==k]
def one(b,k,d=None):
    v=get(b,k); return v[0] if v else d
def flatten(fds):
    msgs={}; enums={}
    def enum(e,prefix):
        enums[prefix+one(e,'name').strip('"')]={one(v,'name').strip('"'):one(v,'number') for v in get(e,'value')}
    def msg(m,prefix):
        name=prefix+one(m,'name').strip('"')
        fields={}
        for f in get(m,'field'):
            opts=one(f,'options',[])
            fields[one(f,'number')]=(one(f,'name'),one(f,'label'),one(f,'type'),one(f,'type_name'),one(opts,'packed'))
        msgs[name]=fields
        for n in get(m,'nested_type'): msg(n,name+'.')
        for e in get(m,'enum_type'): enum(e,name+'.')
    for f in get(fds,'file'):
        pkg=one(f,'package','""').strip('"')
        for m in get(f,'message_type'): msg(m,'.'+pkg+'.')
        for e in get(f,'enum_type'): enum(e,'.'+pkg+'.')
    return msgs,enums
def load(root):
    files=[os.path.relpath(p,root) for p in glob.glob(root+'/**/*.proto',recursive=True)]
    pb=subprocess.run([PROTOC,'-I'+root,'-I'+INC,'--descriptor_set_out=/dev/stdout']+files,capture_output=True,check=True).stdout
    txt=subprocess.run([PROTOC,'-I'+INC,'--decode=google.protobuf.FileDescriptorSet','google/protobuf/descriptor.proto'],input=pb,capture_output=True,check=True).stdout.decode()
    return flatten(parse(txt))
our_m,our_e=load(sys.argv[1]); wm_m,wm_e=load(sys.argv[2])
bad=0; nf=0; nv=0
for name,fields in our_m.items():
    if name not in wm_m: print('MESSAGE not upstream',name); bad+=1; continue
    for num,f in fields.items():
        nf+=1
        if wm_m[name].get(num)!=f: print('FIELD',name,num,'ours',f,'upstream',wm_m[name].get(num)); bad+=1
for name,vals in our_e.items():
    if name not in wm_e: print('ENUM not upstream',name); bad+=1; continue
    for k,v in vals.items():
        nv+=1
        if wm_e[name].get(k)!=v: print('ENUMVAL',name,k,v,'upstream',wm_e[name].get(k)); bad+=1
print(f'checked {len(our_m)} messages, {nf} fields, {len(our_e)} enums, {nv} values; {bad} problems')
sys.exit(1 if bad else 0)
